# Voila configuration for the hipball student app (read by Voila, not imported by hipball).
# Loaded with `--Voila.config_file_paths=<this folder>` by `hipball app`, the tests and the
# benchmarks. Options given on Voila's command line override these.
#
# 1. Guard against the nbclient lost-wake-up hang (PITFALLS.md; jupyter/nbclient issue 312):
#    Voila executes each page's notebook in its server process through nbclient. The apps write
#    into no Output widget, so the hang should not happen; polling in 0.5 s slices recovers a
#    lost wake-up if it ever does (tests/test_voila_hang.py loads every app page repeatedly).
# 2. A class on one server (README "A class on one server"; bench/bench_class.py measures it):
#    kernels of closed pages are culled, kernels talk over Unix sockets (no TCP port race when
#    30 start at once), and a few kernels wait pre-heated with the student app already run.
# 3. No request to a CDN (offline classrooms): the page template without Font Awesome links.
import os
import tempfile

from hipball._jupyter import apply as _apply_polling_patch

_apply_polling_patch()

c = get_config()  # noqa: F821 - provided by traitlets when Voila loads this file
# Students never need the tracebacks of the app's internals; the apps show their own errors.
c.VoilaConfiguration.show_tracebacks = False

# ---- culling: a closed page's kernel (about 110 to 220 MB) is shut down ------------------------
# Voila's page asks for its kernel's shutdown when it unloads, but a closed laptop lid, a killed
# browser or a lost network never sends that. Jupyter's kernel manager then shuts down every
# kernel that has had no browser connected and no activity for CULL_IDLE_S seconds, checking
# every CULL_INTERVAL_S seconds. A page that is still open is never culled (cull_connected is
# False), however long the student stays idle; a busy kernel is not culled either.
CULL_IDLE_S = int(os.environ.get("HIPBALL_CULL_IDLE_S", "300"))
CULL_INTERVAL_S = int(os.environ.get("HIPBALL_CULL_INTERVAL_S", "60"))
c.MappingKernelManager.cull_idle_timeout = CULL_IDLE_S
c.MappingKernelManager.cull_interval = CULL_INTERVAL_S
c.MappingKernelManager.cull_connected = False
c.MappingKernelManager.cull_busy = False

# ---- kernel start-up for a class -----------------------------------------------------------------
# jupyter_client picks free TCP ports and the kernel binds them later; 30 kernels started at
# once race for the same ports (PITFALLS.md: 2 of 30 died with "Address already in use"). Over
# Unix sockets each kernel has its own socket files: no race. The socket paths must stay under
# the 107-byte limit of AF_UNIX, so the connection folder goes to /tmp if TMPDIR is long.
if os.name == "posix":
    c.KernelManager.transport = "ipc"
    _root = tempfile.gettempdir()
    c.Voila.connection_dir_root = _root if len(_root) <= 40 else "/tmp"

# Pre-heated kernels: POOL_SIZE kernels per server have already run student_app.ipynb (imports,
# the first explorer drawn) before anyone asks; a page takes one and Voila starts a replacement.
# Only the student app is pre-heated (a course folder served whole would otherwise start a pool
# for every notebook). Each waiting kernel holds about 150 MB.
POOL_SIZE = int(os.environ.get("HIPBALL_VOILA_POOL", "4"))
if POOL_SIZE > 0:
    c.VoilaConfiguration.preheat_kernel = True
    c.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0},
                                                "student_app.ipynb": {"pool_size": POOL_SIZE}}
    # A page that takes a pooled kernel makes Voila start a replacement: wait 10 s, so that the
    # replacements do not compete for the CPU with a class that has just arrived.
    c.VoilaKernelManager.fill_delay = 10

# When a class arrives, dozens of kernels start and run the app at once on a few cores. nbclient
# then waits only 4 s (its default iopub_timeout) for a cell's outputs after the cell has
# finished, and drops the rest with a warning ("Timeout waiting for IOPub output"): the page
# came back without the app (bench_class.py: 5 of 30 students). Wait up to 60 s for them.
c.VoilaExecutor.iopub_timeout = 60


# ---- no CDN ----------------------------------------------------------------------------------------
# Voila's "lab" page links Font Awesome from cdn.jsdelivr.net; its own bundle already carries the
# icon font (the widgets' icons show without it), so offline the links only fail in the console.
# templates/hipball extends the lab page without them.
_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def _use_hipball_template():
    import voila.app

    original = voila.app.Voila.setup_template_dirs
    if getattr(original, "_hipball", False):
        return

    def setup_template_dirs(self):
        original(self)
        if self.voila_configuration.template == "lab" and _TEMPLATES not in self.template_paths:
            self.template_paths.insert(0, _TEMPLATES)

    setup_template_dirs._hipball = True
    voila.app.Voila.setup_template_dirs = setup_template_dirs


_use_hipball_template()
