# Benchmarks (see docs/performance.md). The test command is scripts/test.
.PHONY: bench bench-quick

# The full run: 100,000 entities, 10 s per workload and contender.
bench:
	go run ./bench/cmd/bench

# A run that ends within two minutes.
bench-quick:
	go run ./bench/cmd/bench -quick
