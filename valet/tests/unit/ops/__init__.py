"""Tests of the operations artifacts: devstack/, etc/systemd/, the uwsgi
ini and the documentation (they run no service)."""
