// The network explorer: search an entity, draw its neighborhood, expand
// nodes, filter events by date and category, show or hide the facts no
// source states (inferred and background edges, drawn dashed), download
// what is shown. It talks to the same GraphQL API as any client; downloads
// go through the server's export endpoints.
//
// With "Live" on, it follows the change feed (the graphChanged
// subscription over Server-Sent Events) and redraws the drawn nodes and
// edges that a change elsewhere touched.
//
// For tests and the console: window.cy is the Cytoscape instance,
// window.puente.state is "idle", "loading", "drawn" or "error",
// window.puente.live is "off", "connecting" or "on", and
// window.puente.redraws counts the redraws that changes caused.
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('puente-config').textContent);

  var KINDS = {
    COUNTRY: { color: '#c0392b', shape: 'hexagon', name: 'Country' },
    PERSON: { color: '#2471a3', shape: 'ellipse', name: 'Person' },
    ORGANIZATION: { color: '#1e8449', shape: 'round-rectangle', name: 'Organization' },
    PLACE: { color: '#7d3c98', shape: 'triangle', name: 'Place' },
    EVENT: { color: '#d68910', shape: 'diamond', name: 'Event' },
  };

  var SEARCH = 'query Search($q: String!) { search(query: $q, first: 8) { score entity { id name kind ' +
    'country { name } ... on Event { date category } } } }';

  var NEIGHBORHOOD = 'query Neighborhood($id: ID!, $depth: Int!) { neighborhood(id: $id, depth: $depth) { ' +
    'truncated hubs nodes { id label kind entity { description ' +
    'sources(first: 5) { id title publisher publishedAt } ... on Event { category date endDate } } } ' +
    'edges { id source target type label basis relationship { startDate endDate quote rule note ' +
    'sources(first: 5) { title } restsOn(first: 5) { id } } } } }';

  var CATEGORIES = '{ __type(name: "EventCategory") { enumValues { name description } } }';

  var state = { center: null, depth: 2, expanded: {}, categories: {}, unstated: true };

  // BASES says how each basis of a fact is drawn and named.
  var BASES = {
    STATED: { name: 'Stated by a source', line: 'solid' },
    INFERRED: { name: 'Inferred from stated facts', line: 'dashed' },
    BACKGROUND: { name: 'Background knowledge', line: 'dashed' },
  };
  window.puente = { state: 'idle', error: null, live: 'off', redraws: 0 };

  var $ = function (id) { return document.getElementById(id); };
  var status = function (text) { $('status').textContent = text; };

  // ---- token -------------------------------------------------------------

  // The token lives in this tab's session storage only.
  try {
    $('token').value = sessionStorage.getItem('puente-token') || '';
  } catch (e) { /* storage disabled */ }
  $('token').addEventListener('change', function () {
    try {
      sessionStorage.setItem('puente-token', $('token').value.trim());
    } catch (e) { /* storage disabled */ }
  });

  // headers returns the request headers, with the bearer token when one
  // was given (a server may require one even for reads).
  function headers() {
    var h = { 'Content-Type': 'application/json', Accept: 'application/json' };
    var token = $('token').value.trim();
    if (token) h.Authorization = 'Bearer ' + token;
    return h;
  }

  // gql posts an operation to the GraphQL endpoint and resolves to its data.
  function gql(query, variables) {
    return fetch(config.endpoint, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ query: query, variables: variables || {} }),
    }).then(function (resp) {
      return resp.json().then(function (body) {
        if (resp.status === 401) {
          $('token-box').open = true;
        }
        if (body.errors && body.errors.length) {
          throw new Error(body.errors.map(function (e) { return e.message; }).join('; '));
        }
        if (!resp.ok) throw new Error('HTTP ' + resp.status);
        return body.data;
      });
    });
  }

  // Dates keep their precision ("2021", "2021-11", "2021-11-10"); a
  // partial date stands for its whole period.
  function firstDay(d) {
    if (!d) return '';
    if (d.length === 4) return d + '-01-01';
    if (d.length === 7) return d + '-01';
    return d;
  }
  function lastDay(d) {
    if (!d) return '';
    if (d.length === 4) return d + '-12-31';
    if (d.length === 7) {
      var y = +d.slice(0, 4), m = +d.slice(5, 7);
      return d + '-' + String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0');
    }
    return d;
  }

  // ---- the drawing -------------------------------------------------------

  var style = [
    {
      selector: 'node',
      style: {
        'background-color': function (n) { return (KINDS[n.data('kind')] || {}).color || '#777'; },
        shape: function (n) { return (KINDS[n.data('kind')] || {}).shape || 'ellipse'; },
        label: 'data(label)',
        'font-size': 10,
        color: '#1f2933',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-wrap': 'wrap',
        'text-max-width': 120,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.75,
        'text-background-padding': 1,
        width: 22,
        height: 22,
        'border-width': 1,
        'border-color': '#ffffff',
      },
    },
    { selector: 'node[?center]', style: { width: 34, height: 34, 'border-width': 3, 'border-color': '#0f3d57', 'font-weight': 'bold' } },
    { selector: 'node[?expanded]', style: { 'border-width': 3, 'border-color': '#0f3d57' } },
    { selector: 'node[?hub]', style: { 'border-style': 'dashed', 'border-width': 3, 'border-color': '#555' } },
    {
      selector: 'edge',
      style: {
        width: 1.4,
        'line-color': '#9aa5b1',
        'target-arrow-color': '#9aa5b1',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        label: 'data(caption)',
        'font-size': 7,
        color: '#52606d',
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.8,
        'text-background-padding': 1,
      },
    },
    // Facts no source states: inferred and background edges are dashed.
    { selector: 'edge[basis != "STATED"]', style: { 'line-style': 'dashed', 'line-dash-pattern': [5, 4] } },
    { selector: '.filtered', style: { display: 'none' } },
    { selector: 'node:selected', style: { 'overlay-color': '#0f3d57', 'overlay-opacity': 0.15 } },
  ];

  var cy = cytoscape({
    container: $('cy'),
    style: style,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 3,
  });
  window.cy = cy;

  function edgeCaption(e, nodes) {
    var text = e.label || e.type.toLowerCase().replace(/_/g, ' ');
    var r = e.relationship || {};
    var when = r.startDate;
    if (!when) {
      var ev = nodes[e.target] && nodes[e.target].kind === 'EVENT' ? nodes[e.target] : nodes[e.source];
      when = ev && ev.kind === 'EVENT' && ev.entity ? ev.entity.date : null;
    }
    return when ? text + ' · ' + when : text;
  }

  // elements turns a neighborhood answer into Cytoscape elements that are
  // not drawn yet.
  function elements(sub) {
    var byID = {};
    sub.nodes.forEach(function (n) { byID[n.id] = n; });
    cy.nodes().forEach(function (n) { byID[n.id()] = byID[n.id()] || { id: n.id(), kind: n.data('kind'), entity: { date: n.data('date') } }; });
    var out = [];
    sub.nodes.forEach(function (n) {
      if (cy.getElementById(n.id).length) return;
      var e = n.entity || {};
      out.push({
        group: 'nodes',
        data: {
          id: n.id,
          label: n.label,
          kind: n.kind,
          description: e.description || '',
          sources: e.sources || [],
          category: e.category || '',
          date: e.date || '',
          endDate: e.endDate || '',
          hub: sub.hubs.indexOf(n.id) >= 0,
        },
      });
    });
    sub.edges.forEach(function (e) {
      if (cy.getElementById(e.id).length) return;
      var r = e.relationship || {};
      out.push({
        group: 'edges',
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          type: e.type,
          label: e.label || '',
          caption: edgeCaption(e, byID),
          basis: e.basis || 'STATED',
          rule: r.rule || '',
          note: r.note || '',
          restsOn: (r.restsOn || []).length,
          quote: r.quote || '',
          sources: r.sources || [],
        },
      });
    });
    return out;
  }

  function layout(randomize) {
    return new Promise(function (resolve) {
      var l = cy.layout({
        name: 'fcose',
        quality: 'default',
        randomize: randomize,
        animate: false,
        fit: true,
        padding: 30,
        nodeDimensionsIncludeLabels: true,
        uniformNodeDimensions: false,
        packComponents: true,
        nodeSeparation: 75,
        idealEdgeLength: function (edge) {
          // Spokes of a busy node get longer, so its neighbours spread out.
          var busy = Math.max(edge.source().degree(), edge.target().degree());
          return 60 + Math.min(busy, 25) * 3;
        },
        edgeElasticity: function () { return 0.45; },
        nodeRepulsion: function () { return 12000; },
        gravity: 0.2,
        numIter: 4000,
      });
      l.one('layoutstop', function () { resolve(); });
      l.run();
    });
  }

  function counts() {
    var shown = cy.nodes().not('.filtered').length;
    var all = cy.nodes().length;
    return shown === all ? all + ' nodes, ' + cy.edges().length + ' edges' :
      shown + ' of ' + all + ' nodes shown (filters)';
  }

  function draw(id, depth) {
    state.center = id;
    state.depth = depth;
    state.expanded = {};
    window.puente.state = 'loading';
    status('Loading the neighborhood of ' + id + '…');
    return gql(NEIGHBORHOOD, { id: id, depth: depth }).then(function (data) {
      var sub = data.neighborhood;
      cy.elements().remove();
      if (!sub.nodes.length) {
        status('No entity ' + id + '.');
        window.puente.state = 'drawn';
        return;
      }
      cy.add(elements(sub));
      cy.getElementById(id).data('center', true);
      if (document.activeElement !== input) input.value = cy.getElementById(id).data('label');
      state.expanded[id] = true;
      applyFilters();
      return layout(true).then(function () {
        status(counts() + (sub.truncated ? ' (cut at the limit)' : '') + '. Click a node to expand it.');
        window.puente.state = 'drawn';
      });
    }).catch(fail);
  }

  function expand(node) {
    var id = node.id();
    if (state.expanded[id]) return Promise.resolve();
    window.puente.state = 'loading';
    status('Expanding ' + node.data('label') + '…');
    return gql(NEIGHBORHOOD, { id: id, depth: 1 }).then(function (data) {
      var added = elements(data.neighborhood);
      cy.add(added);
      node.data('expanded', true);
      state.expanded[id] = true;
      applyFilters();
      return layout(false).then(function () {
        var n = added.filter(function (e) { return e.group === 'nodes'; }).length;
        status('Expanded ' + node.data('label') + ': ' + n + ' new nodes. ' + counts() + '.');
        window.puente.state = 'drawn';
      });
    }).catch(fail);
  }

  function fail(err) {
    window.puente.state = 'error';
    window.puente.error = String(err && err.message || err);
    status('Error: ' + window.puente.error);
  }

  cy.on('tap', 'node', function (evt) { expand(evt.target); });

  // ---- filters -----------------------------------------------------------

  function applyFilters() {
    var from = $('from').value, to = $('to').value;
    cy.batch(function () {
      cy.nodes().forEach(function (n) {
        var hide = false;
        if (n.data('kind') === 'EVENT' && !n.data('center')) {
          var cat = n.data('category');
          if (cat && state.categories[cat] === false) hide = true;
          if (from || to) {
            var d = n.data('date');
            if (!d) hide = true;
            else {
              var start = firstDay(d), end = lastDay(n.data('endDate') || d);
              if ((to && start > to) || (from && end < from)) hide = true;
            }
          }
        }
        n.toggleClass('filtered', hide);
      });
      cy.edges().forEach(function (e) {
        var unstated = e.data('basis') !== 'STATED' && !state.unstated;
        e.toggleClass('filtered', unstated || e.source().hasClass('filtered') || e.target().hasClass('filtered'));
      });
      if (!state.unstated) {
        // A node that only facts no source states connect is hidden too.
        cy.nodes().forEach(function (n) {
          if (!n.data('center') && !n.hasClass('filtered') && n.connectedEdges().not('.filtered').length === 0) {
            n.addClass('filtered');
          }
        });
      }
    });
    if (cy.nodes().length) status(counts() + '.');
  }

  $('from').addEventListener('change', applyFilters);
  $('to').addEventListener('change', applyFilters);
  $('unstated').addEventListener('change', function () {
    state.unstated = $('unstated').checked;
    applyFilters();
  });

  function setAllCategories(on) {
    Array.prototype.forEach.call($('categories').querySelectorAll('input'), function (box) {
      box.checked = on;
      state.categories[box.value] = on;
    });
    applyFilters();
  }
  $('all-categories').addEventListener('click', function () { setAllCategories(true); });
  $('no-categories').addEventListener('click', function () { setAllCategories(false); });

  gql(CATEGORIES).then(function (data) {
    var box = $('categories');
    data.__type.enumValues.forEach(function (v) {
      state.categories[v.name] = true;
      var label = document.createElement('label');
      label.title = v.description || '';
      var check = document.createElement('input');
      check.type = 'checkbox';
      check.value = v.name;
      check.checked = true;
      check.addEventListener('change', function () {
        state.categories[v.name] = check.checked;
        applyFilters();
      });
      label.appendChild(check);
      label.appendChild(document.createTextNode(' ' + v.name.toLowerCase().replace(/_/g, ' ')));
      box.appendChild(label);
    });
  }).catch(fail);

  // ---- legend and tooltip ------------------------------------------------

  Object.keys(KINDS).forEach(function (k) {
    var item = document.createElement('span');
    var dot = document.createElement('i');
    dot.style.backgroundColor = KINDS[k].color;
    dot.className = 'shape-' + KINDS[k].shape;
    item.appendChild(dot);
    item.appendChild(document.createTextNode(KINDS[k].name));
    $('legend').appendChild(item);
  });
  ['STATED', 'INFERRED'].forEach(function (b) {
    var item = document.createElement('span');
    var line = document.createElement('i');
    line.className = 'edge-' + BASES[b].line;
    item.appendChild(line);
    item.appendChild(document.createTextNode(b === 'STATED' ? 'Stated by a source' : 'Inferred or background (dashed)'));
    $('legend').appendChild(item);
  });

  var tip = $('tooltip');
  function showTip(evt) {
    var el = evt.target, d = el.data();
    tip.textContent = '';
    var title = document.createElement('strong');
    var add = function (tag, text, cls) {
      var e = document.createElement(tag);
      e.textContent = text;
      if (cls) e.className = cls;
      tip.appendChild(e);
      return e;
    };
    if (el.isNode()) {
      title.textContent = d.label;
      tip.appendChild(title);
      var meta = [KINDS[d.kind] ? KINDS[d.kind].name : d.kind];
      if (d.category) meta.push(d.category.toLowerCase().replace(/_/g, ' '));
      if (d.date) meta.push(d.endDate ? d.date + ' – ' + d.endDate : d.date);
      add('div', meta.join(' · '), 'meta');
      if (d.description) add('p', d.description);
    } else {
      title.textContent = d.caption;
      tip.appendChild(title);
      add('div', el.source().data('label') + ' → ' + el.target().data('label'), 'meta');
      var basis = (BASES[d.basis] || BASES.STATED).name;
      if (d.basis === 'INFERRED') {
        basis += ' by ' + d.rule.toLowerCase().replace(/_/g, ' ') + ' (rests on ' + d.restsOn + ' stated fact' + (d.restsOn === 1 ? '' : 's') + ')';
      }
      add('div', basis, 'basis');
      if (d.quote) add('p', '“' + d.quote + '”', 'quote');
      if (d.note) add('p', d.note, 'note');
    }
    var sources = d.sources || [];
    add('div', sources.length ? 'Sources' : (el.isEdge() && d.basis !== 'STATED' ? 'No source states it' : 'No source listed'), 'sources-title');
    var ul = document.createElement('ul');
    sources.forEach(function (s) {
      var li = document.createElement('li');
      var bits = [s.title];
      if (s.publisher) bits.push(s.publisher);
      if (s.publishedAt) bits.push(s.publishedAt);
      li.textContent = bits.join(' — ');
      ul.appendChild(li);
    });
    tip.appendChild(ul);
    var pos = evt.renderedPosition || (el.isNode() ? el.renderedPosition() : el.renderedMidpoint());
    var box = $('cy').getBoundingClientRect();
    tip.style.left = Math.min(box.left + pos.x + 14, window.innerWidth - 340) + 'px';
    tip.style.top = Math.min(box.top + pos.y + 14, window.innerHeight - 200) + 'px';
    tip.hidden = false;
  }
  cy.on('mouseover', 'node, edge', showTip);
  cy.on('mouseout', 'node, edge', function () { tip.hidden = true; });
  cy.on('pan zoom', function () { tip.hidden = true; });

  // ---- search ------------------------------------------------------------

  var input = $('search'), list = $('suggestions');
  var hits = [], active = -1, timer = null, seq = 0;

  function closeList() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  }

  function renderList() {
    list.textContent = '';
    hits.forEach(function (h, i) {
      var li = document.createElement('li');
      li.setAttribute('role', 'option');
      li.id = 'hit-' + i;
      li.dataset.id = h.entity.id;
      if (i === active) li.setAttribute('aria-selected', 'true');
      var dot = document.createElement('i');
      dot.style.backgroundColor = (KINDS[h.entity.kind] || {}).color || '#777';
      li.appendChild(dot);
      var name = document.createElement('span');
      name.textContent = h.entity.name;
      li.appendChild(name);
      var extra = [KINDS[h.entity.kind] ? KINDS[h.entity.kind].name : h.entity.kind];
      if (h.entity.date) extra.push(h.entity.date);
      if (h.entity.country && h.entity.kind !== 'COUNTRY') extra.push(h.entity.country.name);
      var small = document.createElement('small');
      small.textContent = extra.join(' · ');
      li.appendChild(small);
      li.addEventListener('mousedown', function (evt) {
        evt.preventDefault();
        pick(i);
      });
      list.appendChild(li);
    });
    list.hidden = hits.length === 0;
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (active >= 0) input.setAttribute('aria-activedescendant', 'hit-' + active);
    else input.removeAttribute('aria-activedescendant');
  }

  function suggest() {
    var q = input.value.trim();
    if (!q) {
      hits = [];
      closeList();
      return;
    }
    var mine = ++seq;
    gql(SEARCH, { q: q }).then(function (data) {
      if (mine !== seq) return;
      hits = data.search;
      active = hits.length ? 0 : -1;
      renderList();
    }).catch(fail);
  }

  function pick(i) {
    var h = hits[i];
    if (!h) return;
    input.value = h.entity.name;
    closeList();
    var depth = +$('depth').value;
    var url = new URL(window.location.href);
    url.searchParams.set('id', h.entity.id);
    url.searchParams.set('depth', String(depth));
    history.replaceState(null, '', url.pathname + url.search);
    draw(h.entity.id, depth);
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  input.addEventListener('keydown', function (evt) {
    if (evt.key === 'ArrowDown' && hits.length) {
      active = (active + 1) % hits.length;
      renderList();
      evt.preventDefault();
    } else if (evt.key === 'ArrowUp' && hits.length) {
      active = (active - 1 + hits.length) % hits.length;
      renderList();
      evt.preventDefault();
    } else if (evt.key === 'Enter') {
      evt.preventDefault();
      if (!list.hidden && active >= 0) pick(active);
    } else if (evt.key === 'Escape') {
      closeList();
    }
  });
  input.addEventListener('blur', function () { setTimeout(closeList, 100); });

  $('depth').addEventListener('change', function () {
    if (state.center) draw(state.center, +$('depth').value);
  });

  // ---- downloads ---------------------------------------------------------

  Array.prototype.forEach.call(document.querySelectorAll('[data-format]'), function (button) {
    button.addEventListener('click', function () {
      var nodes = cy.nodes().not('.filtered');
      if (!nodes.length) {
        status('Draw a neighborhood first.');
        return;
      }
      var format = button.dataset.format;
      var body = {
        title: 'Explorer subgraph around ' + state.center,
        nodes: nodes.map(function (n) { return n.id(); }),
        edges: cy.edges().not('.filtered').map(function (e) { return e.id(); }),
      };
      fetch(config.export + format, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify(body),
      }).then(function (resp) {
        if (!resp.ok) {
          return resp.json().then(function (e) { throw new Error(e.error || 'HTTP ' + resp.status); });
        }
        var name = 'puente.' + format;
        var m = /filename="([^"]+)"/.exec(resp.headers.get('Content-Disposition') || '');
        if (m) name = m[1];
        return resp.blob().then(function (blob) {
          var a = document.createElement('a');
          a.href = URL.createObjectURL(blob);
          a.download = name;
          document.body.appendChild(a);
          a.click();
          setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
          status('Downloaded ' + name + ' (' + body.nodes.length + ' nodes, ' + body.edges.length + ' edges).');
        });
      }).catch(fail);
    });
  });

  // ---- live updates ------------------------------------------------------

  // The change feed, as GraphQL over Server-Sent Events: one POST whose
  // answer is a stream of "next" events, each a change. The cursor of the
  // last change seen resumes the feed after a disconnection, so that no
  // change is missed.
  var LIVE = 'subscription Live($after: String) { graphChanged(after: $after) { cursor ids ' +
    'items { kind id action from to } } }';
  var feed = { cursor: null, abort: null, retry: null, pending: {}, timer: null };

  function liveStatus(state, text) {
    window.puente.live = state;
    $('live-status').textContent = text;
  }

  function follow() {
    if (feed.abort || !$('live').checked) return;
    var ctl = new AbortController();
    feed.abort = ctl;
    liveStatus('connecting', 'Connecting to the change feed…');
    var h = headers();
    h.Accept = 'text/event-stream';
    fetch(config.endpoint, {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ query: LIVE, variables: { after: feed.cursor } }),
      signal: ctl.signal,
    }).then(function (resp) {
      if (!resp.ok || !resp.body) throw new Error('HTTP ' + resp.status);
      liveStatus('on', 'Live: following changes.');
      var reader = resp.body.getReader(), decoder = new TextDecoder(), buf = '';
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) return;
          buf += decoder.decode(r.value, { stream: true });
          var i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            onEvent(buf.slice(0, i));
            buf = buf.slice(i + 2);
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      if (ctl.signal.aborted) return;
      liveStatus('connecting', 'Change feed lost (' + (err && err.message || err) + '); retrying…');
    }).then(function () {
      if (feed.abort !== ctl) return;
      feed.abort = null;
      if ($('live').checked) feed.retry = setTimeout(follow, 1000);
    });
  }

  // onEvent handles one event of the stream.
  function onEvent(block) {
    var kind = 'message', data = '';
    block.split('\n').forEach(function (line) {
      if (line.indexOf('event:') === 0) kind = line.slice(6).trim();
      else if (line.indexOf('data:') === 0) data += line.slice(5).trim();
    });
    if (kind !== 'next' || !data) return;
    var msg = JSON.parse(data);
    (msg.errors || []).forEach(function (e) {
      // A consumer too slow to keep up is ended with the cursor to resume from.
      var ext = e.extensions || {};
      if (ext.cursor) feed.cursor = ext.cursor;
      liveStatus('connecting', 'Change feed: ' + e.message);
    });
    var change = msg.data && msg.data.graphChanged;
    if (!change) return;
    feed.cursor = change.cursor;
    touched(change);
  }

  // touched removes what a change deleted or merged away, and queues the
  // drawn nodes it touched for a redraw.
  function touched(change) {
    cy.batch(function () {
      change.items.forEach(function (it) {
        var gone = (it.kind === 'ENTITY' && it.action === 'DELETED') ? it.id :
          (it.kind === 'REDIRECT' ? it.from : null);
        if (gone) cy.getElementById(gone).remove();
        if (it.kind === 'RELATION' && it.action === 'DELETED') cy.getElementById(it.id).remove();
        if (it.kind === 'REDIRECT' && state.center === it.from) state.center = it.to;
      });
    });
    change.ids.forEach(function (id) {
      if (cy.getElementById(id).length) feed.pending[id] = true;
    });
    clearTimeout(feed.timer);
    feed.timer = setTimeout(redraw, 150);
  }

  // redraw fetches the neighborhood of each queued node again: it updates
  // the nodes' data, adds the relations that are new (with their other
  // ends when the node is the centre or was expanded) and removes those
  // that are gone.
  function redraw() {
    var ids = Object.keys(feed.pending).slice(0, 20);
    feed.pending = {};
    if (!ids.length) return;
    Promise.all(ids.map(function (id) {
      return gql(NEIGHBORHOOD, { id: id, depth: 1 }).then(function (data) { return { id: id, sub: data.neighborhood }; });
    })).then(function (subs) {
      var added = 0;
      cy.batch(function () {
        subs.forEach(function (r) {
          var node = cy.getElementById(r.id);
          if (!node.length) return;
          var open = state.center === r.id || state.expanded[r.id];
          var sub = r.sub;
          if (!open) {
            // Only what joins nodes already drawn.
            sub = {
              hubs: sub.hubs,
              nodes: sub.nodes.filter(function (n) { return cy.getElementById(n.id).length; }),
              edges: sub.edges.filter(function (e) {
                return cy.getElementById(e.source).length && cy.getElementById(e.target).length;
              }),
            };
          }
          var fresh = elements(sub);
          added += fresh.length;
          cy.add(fresh);
          r.sub.nodes.forEach(function (n) {
            var el = cy.getElementById(n.id);
            var e = n.entity || {};
            if (el.length) el.data({ label: n.label, description: e.description || '', date: e.date || '', endDate: e.endDate || '', category: e.category || '' });
          });
          if (!r.sub.truncated) {
            var keep = {};
            r.sub.edges.forEach(function (e) { keep[e.id] = true; });
            node.connectedEdges().forEach(function (e) { if (!keep[e.id()]) e.remove(); });
          }
        });
      });
      applyFilters();
      window.puente.redraws++;
      return added ? layout(false) : null;
    }).catch(fail);
  }

  $('live').addEventListener('change', function () {
    if ($('live').checked) {
      follow();
    } else {
      clearTimeout(feed.retry);
      if (feed.abort) feed.abort.abort();
      feed.abort = null;
      liveStatus('off', 'Live updates are off.');
    }
  });
  follow();

  // ---- start -------------------------------------------------------------

  var params = new URLSearchParams(window.location.search);
  if (params.get('depth')) $('depth').value = params.get('depth');
  if (params.get('id')) {
    input.value = params.get('id');
    draw(params.get('id'), +$('depth').value || 2);
  } else {
    status('Search for an entity to begin, such as Xiaomi, Li Zhanshu or Argentina.');
    input.focus();
  }
})();
