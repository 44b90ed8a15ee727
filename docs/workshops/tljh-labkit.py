# labkit's settings for The Littlest JupyterHub: /opt/tljh/config/jupyterhub_config.d/labkit.py
# (docs/workshops/tljh-install.sh installs it; `sudo tljh-config reload` applies it).
# `c` is the hub's traitlets config object, as in every jupyterhub_config.d file.
c = get_config()  # noqa: F821  (provided by JupyterHub when it loads this file)

c.Spawner.environment.update(
    {
        "LABKIT_BACKEND": "local",  # the offline lab: no AWS account, nothing reaches AWS
        "LABKIT_PROFILE": "workshop",  # account and instance IDs masked on shared screens
        "LABKIT_WORKSHOP_DIR": "/srv/labkit-progress",  # exercise checks, for the facilitator
    }
)
# Open the course, not an empty file browser (nbgitpuller links set their own urlpath).
c.Spawner.default_url = "/lab"
