"""valet status: does the engine answer, is the database up?"""
from cliff import show

from valet.cli import common


class Status(show.ShowOne):
    """Show the health of valet-engine and of the database."""

    def take_action(self, args):
        status = common.api(self).request('GET', '/v1/status')['status']
        ostro = status.get('ostro') or {}
        return (('Engine', 'Version', 'Datacenter', 'Hosts', 'Generation',
                 'Database'),
                (ostro.get('engine_id'), ostro.get('version'),
                 ostro.get('datacenter'), ostro.get('hosts'),
                 ostro.get('generation'),
                 (status.get('database') or {}).get('status')))
