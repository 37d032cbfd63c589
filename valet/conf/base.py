"""What every option-group module shares."""
from oslo_config import cfg


class OptionGroup:
    """Registers one option group; a fresh OptGroup per ConfigOpts, because
    oslo.config keeps overrides on the OptGroup object itself."""

    def __init__(self, name, title, opts):
        self.name = name
        self.title = title
        self.opts = opts

    def _group(self):
        return cfg.OptGroup(self.name, title=self.title)

    def register_opts(self, conf):
        conf.register_group(self._group())
        conf.register_opts(self.opts, group=self.name)

    def list_opts(self):
        return {self._group(): self.opts}
