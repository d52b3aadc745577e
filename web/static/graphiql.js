// The GraphiQL page: GraphiQL with the explorer plugin open, one tab per
// example operation, and a headers pane ready for a bearer token. The
// configuration (endpoint, tabs, headers) comes from the page.
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('puente-config').textContent);

  // An Authorization header still holding the placeholder (or no token at
  // all) is left out, so the examples run without signing in.
  var placeholder = /^\s*Bearer\s*(<[^>]*>)?\s*$/i;

  function withoutPlaceholder(headers) {
    var out = {};
    Object.keys(headers || {}).forEach(function (name) {
      var value = headers[name];
      if (name.toLowerCase() === 'authorization' && placeholder.test(String(value))) {
        return;
      }
      out[name] = value;
    });
    return out;
  }

  var base = GraphiQL.createFetcher({ url: config.endpoint });
  function fetcher(params, opts) {
    var o = Object.assign({}, opts);
    o.headers = withoutPlaceholder(opts && opts.headers);
    return base(params, o);
  }

  var explorer = GraphiQLPluginExplorer.explorerPlugin({ showAttribution: false });

  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      defaultTabs: config.tabs,
      defaultHeaders: config.defaultHeaders,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
    })
  );

  // Open the explorer plugin. GraphiQL 4 sizes the plugin pane when it
  // mounts, before a visiblePlugin prop takes effect, so the pane would stay
  // folded away; its sidebar button opens it properly. A button that says
  // "Hide" while the pane is folded (GraphiQL remembered the plugin as open)
  // takes two clicks: fold, unfold.
  var tries = 0;
  var selector = '.graphiql-sidebar button[aria-label$=" ' + explorer.title + '"]';
  (function openExplorer() {
    var button = document.querySelector(selector);
    var pane = document.querySelector('.graphiql-plugin');
    if (!button || !pane) {
      if (++tries < 400) setTimeout(openExplorer, 25);
      return;
    }
    var folded = pane.style.opacity === '0' || pane.getBoundingClientRect().right <= 0;
    if (!folded) return;
    if (/^Hide /.test(button.getAttribute('aria-label'))) button.click();
    setTimeout(function () { document.querySelector(selector).click(); }, 0);
  })();
})();
