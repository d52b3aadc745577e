package main

// gqlgen reads gqlgen.yml and schema/*.graphqls and writes graph/generated.go,
// graph/model/models_gen.go and stubs for new resolvers; listmarshal then
// makes the executor marshal lists through graph's marshalList (see
// internal/listmarshal).
//go:generate go tool gqlgen generate
//go:generate go run ./internal/listmarshal graph/generated.go
