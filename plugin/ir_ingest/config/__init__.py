"""The configuration file (TOML): harvest sources and push targets, validated on load.

::

    crosswalk_dirs = ["my-crosswalks"]   # optional: own *.yaml crosswalks, lookups/ beside them;
                                         # relative to the config file; they win over shipped ones

    [sources.pure]
    url = "https://research.example.ac.uk/ws/oai"   # or url_env = "PURE_OAI_URL": a variable
                                  # holding a URL with a password or an API key in it
    prefix = "oai_dc"             # optional: "auto" (the default) takes the richest format
                                  # offered that a crosswalk reads
    set = "openaire"              # optional
    schedule = "0 3 * * *"        # optional, cron
    crosswalk = "oai_dc"          # optional: the crosswalk to read records with (default: the
                                  # one the prefix names, else the one the root element names)
    profile = "core"              # optional
    repository = "pure"           # optional: the name records are kept under (default: url),
                                  # so a changed URL spelling does not make new records
    # fallback_prefix = "oai_dc"  # optional, with a richer prefix (mods): a record that
                                  # fails in it (a reject, or invalid) is asked for again
                                  # alone in this format, the better copy stored (harvest
                                  # --fallback-prefix); refused when it is the prefix itself

    [targets.repo]
    type = "invenio"              # invenio | dspace | sword | eprints | jsonl
    url = "https://repo.example.org"
    token_env = "REPO_TOKEN"      # credentials come from environment variables it names

Targets, ``schedule`` and ``profile`` are validated but not used yet (no push command, no
scheduler, one validation profile): the features that will read them are still to come.

Credentials are never read from the file itself: a key that looks like one (``token``,
``password``, ``secret``), or a url with a password or an API key in it, is refused with a
message saying which variable to use instead.

What a config says is :mod:`.model`; reading a file, :mod:`.load`; checking one of its
``[sources.NAME]`` or ``[targets.NAME]`` tables, :mod:`.sections`.
"""

from __future__ import annotations

from ir_ingest.config.load import DEFAULT_CONFIG, load_config
from ir_ingest.config.model import (
    AUTO_PREFIX,
    Config,
    SourceConfig,
    TargetConfig,
    endpoint_key,
    is_auto,
)

__all__ = [
    "AUTO_PREFIX",
    "DEFAULT_CONFIG",
    "Config",
    "SourceConfig",
    "TargetConfig",
    "endpoint_key",
    "is_auto",
    "load_config",
]
