# Benchmarks (see docs/performance.md). The test command is scripts/test.
.PHONY: bench bench-quick bench-check

# The full run: 100,000 entities, 10 s per workload and contender.
bench:
	go run ./bench/cmd/bench

# A run that ends within two minutes.
bench-quick:
	go run ./bench/cmd/bench -quick

# Measures nothing: compares the floor's, the peer's and the embedded
# store's answers with Puente's on Neo4j, on 100 variable sets per workload
# and the extremes, at 20,000 entities (a few minutes).
bench-check:
	go run ./bench/cmd/bench -check -entities 20000
