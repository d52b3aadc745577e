// Package modeltest holds the model-based test of the write path: random
// sequences of upserts, deletions, merges, seeds and imports run against
// every backend and against a plain reference model written in the test,
// which must agree on every refusal and on the graph each sequence leaves.
// See model_test.go for the model and modeltest_test.go for the test.
package modeltest
