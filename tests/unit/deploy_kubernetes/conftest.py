"""The two kustomizations of deploy/kubernetes, rendered once per module."""

from __future__ import annotations

from pathlib import Path

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
