"""The two kustomizations of deploy/kubernetes, rendered once per module."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import kubernetes_validate.utils as _utils
import pytest

from tests.support.kustomize import Resource, render

REPO = Path(__file__).resolve().parents[3]
KUBERNETES = REPO / "deploy" / "kubernetes"
BASE = KUBERNETES / "base"
PRODUCTION = KUBERNETES / "overlays" / "production"
KUSTOMIZATIONS = {"base": BASE, "production": PRODUCTION}


@pytest.fixture(scope="module", params=list(KUSTOMIZATIONS))
def rendered(request: pytest.FixtureRequest) -> list[Resource]:
    return render(KUSTOMIZATIONS[request.param])


@pytest.fixture(scope="module")
def production() -> list[Resource]:
    return render(PRODUCTION)


# kubernetes-validate reads and parses its large `_definitions.json` again for every object it
# validates; the schema files do not change, so the suite reads each once (the validation
# itself is unchanged: a fresh validator per object, as the library builds it).
_utils.schema_contents = cache(_utils.schema_contents)
