"""Paths and small helpers shared by the operations tests."""
import configparser
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(HERE))))


def repo_path(*parts):
    return os.path.join(REPO, *parts)


def which(name):
    return shutil.which(name)


def console_scripts():
    """``{name: 'module:function'}`` from setup.cfg [entry_points]."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(repo_path('setup.cfg'))
    scripts = {}
    for line in parser['entry_points']['console_scripts'].splitlines():
        if '=' in line:
            name, target = (part.strip() for part in line.split('=', 1))
            scripts[name] = target
    return scripts
