"""Where the project's shipped resources live.

The package is installed in place (``pip install -e .``), so ``configs/`` and ``models/``
sit beside it; ``NLP_PIPELINE_HOME`` points elsewhere for a relocated install.
"""

import os
from pathlib import Path

HOME = Path(os.environ.get("NLP_PIPELINE_HOME", Path(__file__).resolve().parents[1]))
CONFIGS = HOME / "configs"
MODELS = HOME / "models"
DEFAULT_CONFIG = CONFIGS / "pipeline.cfg"
DATASETS = Path(os.environ.get("NLP_PIPELINE_DATASETS", HOME.parent / "shared" / "datasets"))
