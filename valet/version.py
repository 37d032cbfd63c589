"""Version of the installed Valet package (pbr reads it from git or PKG-INFO)."""
import pbr.version

version_info = pbr.version.VersionInfo('valet')


def version_string():
    return version_info.version_string()
