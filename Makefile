.PHONY: run test unit bench events-doc

run:        ## set up and run the whole platform (broker, services, gateway, demo data)
	./scripts/run.sh

test:       ## set up and run the whole test suite (real RabbitMQ, throwaway PostgreSQL)
	./scripts/test.sh

unit:       ## unit tests only (no broker, no PostgreSQL)
	.venv/bin/python -m pytest tests/unit -q

bench:      ## benchmarks (on demand, not in CI); see benchmarks/README.md
	./benchmarks/run_all.sh

events-doc: ## regenerate docs/events.md from the catalogue
	.venv/bin/python -W ignore -m services.common.catalogue_doc > docs/events.md
