# Puente: GraphQL server over Neo4j.
#
#   docker build -t puente .
#   docker run --rm -p 8080:8080 puente            # embedded in-memory store
#   docker run --rm -p 8080:8080 -e NEO4J_URI=bolt://host:7687 \
#     -e NEO4J_USERNAME=neo4j -e NEO4J_PASSWORD=... puente
#
# docker-compose.yml at the repo root runs it together with Neo4j.

# ---- build stage -----------------------------------------------------------
FROM golang:1.26 AS build

WORKDIR /src

# Static binary: the runtime image has no C library to link against.
ENV CGO_ENABLED=0

# Dependencies first, so that editing source files does not invalidate the
# module download layer.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

# The dataset (dataset/digest.json) is compiled in with go:embed, so the whole
# source tree is all the build needs; .dockerignore keeps the rest out.
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /puente .

# ---- runtime stage ---------------------------------------------------------
# Alpine rather than distroless: the binary needs nothing from the image, but
# BusyBox's wget lets docker-compose.yml health-check GET /healthz. Alpine's
# base image already carries the CA bundle (for neo4j+s:// URIs).
FROM alpine:3.22

COPY --from=build /puente /puente

# Run unprivileged (alpine's "nobody"); the server only listens on PORT and,
# with NEO4J_URI set, keeps no files.
USER 65534:65534

ENV PORT=8080
EXPOSE 8080

ENTRYPOINT ["/puente"]
CMD ["serve"]
