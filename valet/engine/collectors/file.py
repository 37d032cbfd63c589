"""The ``file`` collector: a datacenter YAML file (DESIGN §5.1)."""
from valet.engine import collectors
from valet.engine.model import loader


class FileCollector(collectors.Collector):

    def collect(self):
        path = (self.conf.inventory.datacenter_file
                or loader.default_datacenter_path())
        opt = self.conf.optimizer
        return loader.load_datacenter(path, defaults={
            'cpu': opt.cpu_allocation_ratio,
            'ram': opt.ram_allocation_ratio,
            'disk': opt.disk_allocation_ratio})
