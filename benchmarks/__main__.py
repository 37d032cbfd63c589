"""All four benchmark targets, one table each:

    python -m benchmarks            # needs the 'bench' extra for new optima

1. 20 servers on 200 hosts (10 racks, 70 % full): decision p50/p99;
2. 100 servers on 5,000 hosts (250 racks): decision p50/p99;
3. quality against the CP-SAT optimum on 32 seeded instances;
4. model memory with 100,000 placed servers, decision cost 10k -> 100k.
"""
import logging

from benchmarks import decision
from benchmarks import memory
from benchmarks import quality


def main():
    from valet import cmd  # noqa: F401  (threading backend)
    logging.basicConfig(level=logging.ERROR)
    decision.run(racks=10, hosts_per_rack=20, fill=0.7, servers=20,
                 runs=100, api_runs=20)
    print()
    decision.run(racks=250, hosts_per_rack=20, fill=0.7, servers=100,
                 runs=20, api_runs=0)
    print()
    quality.run(32)
    print()
    memory.run()


if __name__ == '__main__':
    main()
