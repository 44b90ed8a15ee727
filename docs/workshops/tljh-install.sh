#!/bin/bash
# labkit on The Littlest JupyterHub: one host, every participant a Unix user (jupyter-<name>).
# Run as an admin with sudo on a fresh Ubuntu 24.04 host; see docs/workshops.md for sizes.
#   ADMIN=<hub admin name> LABKIT_REPO=https://github.com/<owner>/<repo> LABKIT_REF=main \
#     bash tljh-install.sh
set -euo pipefail
: "${ADMIN:?set ADMIN to the name of the hub admin}"
: "${LABKIT_REPO:?set LABKIT_REPO to the labkit repository URL}"
LABKIT_REF="${LABKIT_REF:-main}"
LABKIT_DIR=/opt/labkit
PROGRESS_DIR=/srv/labkit-progress
USER_ENV=/opt/tljh/user

# 1. TLJH itself (its installer; the admin logs in with a password set at first login).
sudo apt-get update -q
sudo apt-get install -y -q python3 python3-dev git curl dnsutils  # dnsutils: dig for notebooks 00/02
curl -L https://tljh.jupyter.org/bootstrap.py | sudo -E python3 - --admin "$ADMIN"

# 2. labkit needs Python 3.11 or newer in TLJH's user environment (where kernels run).
"$USER_ENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else
  "labkit needs Python 3.11+ in /opt/tljh/user: sudo -E /opt/tljh/user/bin/mamba install -y "
  "-c conda-forge python=3.11, then run this script again")'

# 3. labkit into the users' environment, from a checkout outside every home folder (editable,
#    as binder/postBuild does), with the AWS CLI and nbgitpuller the course uses.
sudo git clone --branch "$LABKIT_REF" --depth 1 "$LABKIT_REPO" "$LABKIT_DIR"
sudo -E "$USER_ENV/bin/python" -m pip install --no-cache-dir -e "$LABKIT_DIR" \
  "awscli>=1.46,<1.47" "nbgitpuller>=1.2,<2"
sudo "$USER_ENV/bin/python" -c "import labkit; print('labkit', labkit.__version__)"

# 4. The folder of exercise checks: every participant may add their own file, nobody may list
#    it but root (mode 1733, like /tmp without reading); the facilitator reads it with sudo.
sudo install -d -m 1733 -o root -g root "$PROGRESS_DIR"

# 5. Hub settings: the workshop profile for every kernel, kernel and server culling, limits.
sudo install -m 0644 "$LABKIT_DIR/docs/workshops/tljh-labkit.py" \
  /opt/tljh/config/jupyterhub_config.d/labkit.py
sudo install -d "$USER_ENV/etc/jupyter/jupyter_server_config.d"
sudo install -m 0644 "$LABKIT_DIR/docs/workshops/jupyter_server_config.json" \
  "$USER_ENV/etc/jupyter/jupyter_server_config.d/labkit.json"
sudo tljh-config set user_environment.default_app jupyterlab
sudo tljh-config set limits.memory 1G
sudo tljh-config set limits.cpu 1
sudo tljh-config set services.cull.enabled true
sudo tljh-config set services.cull.timeout 3600
sudo tljh-config set services.cull.every 300
sudo tljh-config reload
