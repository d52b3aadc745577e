package graphqlhttp

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/puente-kg/puente/middleware"
)

// CodeStreamRequired refuses a subscription sent as a plain request: it
// needs a WebSocket or an event stream.
const CodeStreamRequired = "STREAM_REQUIRED"

// IsStream reports whether the request opens a long-lived stream: a
// WebSocket upgrade, or a request for an event stream. Such requests
// escape the deadline, the answer's cap and the ETag of plain requests.
func IsStream(r *http.Request) bool { return middleware.IsStream(r) }

// acceptsEventStream reports whether the request asks for an event
// stream (see middleware.PrefersEventStream).
func acceptsEventStream(r *http.Request) bool {
	return middleware.PrefersEventStream(r.Header.Get("Accept"))
}

type (
	sinkKey      struct{}
	websocketKey struct{}
)

// sink collects the errors that end a subscription on an event stream.
type sink struct {
	mu   sync.Mutex
	errs gqlerror.List
}

// EndStream ends the subscription of ctx with err, on whichever stream
// serves it: over a WebSocket as an error message, over an event stream
// as a last next event holding the error. The subscription's resolver
// calls it before it closes its channel. It reports whether ctx belongs
// to a stream.
func EndStream(ctx context.Context, err *gqlerror.Error) bool {
	if s, ok := ctx.Value(sinkKey{}).(*sink); ok {
		s.mu.Lock()
		s.errs = append(s.errs, err)
		s.mu.Unlock()
		return true
	}
	if ctx.Value(websocketKey{}) != nil {
		transport.AddSubscriptionError(ctx, err)
		return true
	}
	return false
}

// WebsocketOptions configure the WebSocket transport.
type WebsocketOptions struct {
	// Authenticate returns the context of a connection given the
	// authorization member of its connection_init payload ("" when it has
	// none), or an error that refuses the connection.
	Authenticate func(ctx context.Context, authorization string) (context.Context, error)
	// Connection, when set, returns the context of a new connection (to
	// count its subscriptions, say).
	Connection func(ctx context.Context) context.Context
	// KeepAlive is how often the server pings (DefaultKeepAlive); a
	// client that answers no ping for twice that is disconnected.
	KeepAlive time.Duration
}

// DefaultKeepAlive is the default of WebsocketOptions.KeepAlive and of
// the event stream's comments.
const DefaultKeepAlive = 15 * time.Second

// CloseForbidden is the close code of a connection whose
// connection_init is refused, as graphql-transport-ws asks.
const CloseForbidden = 4403

// Websocket returns gqlgen's WebSocket transport for the
// graphql-transport-ws protocol (and the older graphql-ws one), with
// authentication at connection_init and keep-alive pings.
func Websocket(opts WebsocketOptions) transport.Websocket {
	if opts.KeepAlive <= 0 {
		opts.KeepAlive = DefaultKeepAlive
	}
	return transport.Websocket{
		InitTimeout:           10 * time.Second,
		KeepAlivePingInterval: opts.KeepAlive,
		PingPongInterval:      opts.KeepAlive,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			ctx = context.WithValue(ctx, websocketKey{}, true)
			if opts.Authenticate != nil {
				authed, err := opts.Authenticate(ctx, payload.Authorization())
				if err != nil {
					// The protocol has no message for a refused
					// connection_init: the close frame's reason (at most
					// 123 bytes) says why.
					reason := "Forbidden: " + err.Error()
					if len(reason) > 123 {
						reason = strings.ToValidUTF8(reason[:123], "")
					}
					ctx = transport.WithWebsocketCloseCode(ctx, CloseForbidden)
					return transport.AppendCloseReason(ctx, reason), nil, err
				}
				ctx = authed
			}
			if opts.Connection != nil {
				ctx = opts.Connection(ctx)
			}
			return ctx, nil, nil
		},
	}
}
