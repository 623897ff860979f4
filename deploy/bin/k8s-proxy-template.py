#!/usr/bin/env python3
"""Copy deploy/nginx/digituki.conf.template into the proxy ConfigMap of deploy/kubernetes.

kustomize loads no file from outside its folder, so the base carries a verbatim copy;
tests/unit/deploy_kubernetes checks they are the same. Run after changing the template:
    python3 deploy/bin/k8s-proxy-template.py
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "deploy" / "nginx" / "digituki.conf.template"
PROXY = REPO / "deploy" / "kubernetes" / "base" / "proxy.yaml"
BLOCK = re.compile(r"(  digituki\.conf\.template: \|\n)((?:    .*\n|\n)+?)(?=---|\S)")


def main() -> None:
    body = "".join(
        f"    {line}" if line.strip() else "\n" for line in TEMPLATE.read_text().splitlines(True)
    )
    text = PROXY.read_text()
    new, count = BLOCK.subn(lambda m: m.group(1) + body, text, count=1)
    if count != 1:
        raise SystemExit(f"no digituki.conf.template block found in {PROXY}")
    PROXY.write_text(new)


if __name__ == "__main__":
    main()
