"""``OS::Valet::*`` Heat resources: point heat.conf ``plugin_dirs`` at this
directory.

They are declarations: creating one calls nothing.  The lifecycle plugin
reads them from the stack and sends them in the plan, so the engine sees
a stack's groups, assignments and pipes together with its servers, before
Nova boots any of them.
"""
