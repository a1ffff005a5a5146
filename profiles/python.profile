# summary: default + Python (pip, venv, uv, pyenv): read-only interpreters, private caches, PyPI
#
# Interpreters and tools installed in the host's HOME are granted
# read-only and executable; caches are private to the session (threats.md
# #18: a writable cache shared with the host is a persistence channel).
# Virtual environments are created in the workspace, which is writable.
include default

# pyenv, pipx/uv tool binaries in ~/.local/bin, user site-packages, and
# uv-managed interpreters and tools.  Not the rest of ~/.local/share/uv:
# it holds uv's stored credentials.
exec ${HOME}/.pyenv ${HOME}/.local/bin ${HOME}/.local/lib
exec ${HOME}/.local/share/uv/python ${HOME}/.local/share/uv/tools
env set PYENV_ROOT=${HOME}/.pyenv
env set UV_PYTHON_INSTALL_DIR=${HOME}/.local/share/uv/python
env prepend PATH ${HOME}/.pyenv/shims ${HOME}/.pyenv/bin ${HOME}/.local/bin

# Private caches.
env set PIP_CACHE_DIR=${TMPDIR}/pip-cache
env set UV_CACHE_DIR=${TMPDIR}/uv-cache
env set PIP_DISABLE_PIP_VERSION_CHECK=1

# PyPI, through the egress proxy.  Add `net none` after `include python`
# to stay offline.
net allow pypi.org:443 files.pythonhosted.org:443
