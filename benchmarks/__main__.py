"""All four benchmark targets, one table each:

    python -m benchmarks            # needs the 'bench' extra for new optima

1. 20 servers on 200 hosts (10 racks, 70 % full): decision p50/p99;
2. 100 servers on 5,000 hosts (250 racks): decision p50/p99;
3. quality against the CP-SAT optimum on 32 seeded instances;
4. model memory with 100,000 placed servers, decision cost 10k -> 100k;
5. warm start of an engine from the DB (5,000 hosts, 100,000 servers);
6. Nova notifications absorbed while 20-server decisions run (200 hosts).

The multi-engine load test and throughput benchmark need RabbitMQ and
MariaDB and take minutes, so they run only when asked for:

    python -m benchmarks load [--throughput] ...   # = python -m benchmarks.load
"""
import logging

from benchmarks import decision
from benchmarks import memory
from benchmarks import notifications
from benchmarks import quality
from benchmarks import warm_start


def main():
    import sys
    if sys.argv[1:2] == ['load']:
        from benchmarks import load
        return load.main(sys.argv[2:])
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
    print()
    warm_start.run()
    print()
    notifications.run()


if __name__ == '__main__':
    raise SystemExit(main())
