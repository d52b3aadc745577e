package main

// gqlgen reads gqlgen.yml and schema/*.graphqls and writes graph/generated.go,
// graph/model/models_gen.go and stubs for new resolvers.
//go:generate go tool gqlgen generate
