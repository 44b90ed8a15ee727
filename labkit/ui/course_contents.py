"""JupyterLab's file access for the course: notebooks are saved without outputs, and open as
the kernel will describe them, so a session leaves the learner's git clone clean.

``make lab`` serves ``notebooks/`` with this contents manager
(``--ServerApp.contents_manager_class=labkit.ui.course_contents.CourseContentsManager``):

- *save* (also autosave) keeps every cell's source and tags and drops outputs, execution counts
  and widget state: what the learner wrote stays, what a run showed is never written into the
  clone (and a reopened notebook has no widget output whose model is gone);
- *open* fills ``kernelspec`` and ``language_info`` as this server's python3 kernel reports
  them, so opening a notebook and starting its kernel does not mark it modified; save writes
  them back as the course stores them.
"""

from __future__ import annotations

import platform
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

KERNEL = "python3"
STORED_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": KERNEL}
STORED_LANGUAGE = {"name": "python"}
DROPPED_METADATA = ("widgets", "execution")  # widget state, cell timing: outputs in disguise


def kernel_language_info() -> dict[str, Any]:
    """``language_info`` as ipykernel reports it for this interpreter (the kernel's own)."""
    return {
        "codemirror_mode": {"name": "ipython", "version": 3},
        "file_extension": ".py",
        "mimetype": "text/x-python",
        "name": "python",
        "nbconvert_exporter": "python",
        "pygments_lexer": "ipython3",
        "version": platform.python_version(),
    }


def kernel_spec() -> dict[str, str]:
    """``kernelspec`` as JupyterLab writes it for this server's python3 kernel."""
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        return dict(STORED_KERNELSPEC)
    return {"display_name": spec.display_name, "language": spec.language, "name": KERNEL}


def as_opened(notebook: dict[str, Any]) -> dict[str, Any]:
    """``notebook`` (nbformat JSON) with the metadata the running kernel will set."""
    metadata = notebook.setdefault("metadata", {})
    if metadata.get("kernelspec", {}).get("name", KERNEL) == KERNEL:
        metadata["kernelspec"] = kernel_spec()
        metadata["language_info"] = kernel_language_info()
    return notebook


def as_stored(notebook: dict[str, Any]) -> dict[str, Any]:
    """``notebook`` as the course stores it: sources kept, outputs and run state dropped."""
    metadata = notebook.setdefault("metadata", {})
    if metadata.get("kernelspec", {}).get("name", KERNEL) == KERNEL:
        metadata["kernelspec"] = dict(STORED_KERNELSPEC)
        metadata["language_info"] = dict(STORED_LANGUAGE)
    for key in DROPPED_METADATA:
        metadata.pop(key, None)
    for cell in notebook.get("cells", []):
        for key in DROPPED_METADATA:
            cell.get("metadata", {}).pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return notebook


class CourseContentsManager(AsyncLargeFileManager):
    """Files as usual; notebooks opened with the kernel's metadata and saved without outputs."""

    async def get(self, path: str, content: bool = True, **kwargs: Any) -> dict[str, Any]:
        model = await super().get(path, content=content, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            as_opened(model["content"])
        return model

    async def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        if model.get("type") == "notebook" and model.get("content"):
            as_stored(model["content"])
        return await super().save(model, path)
