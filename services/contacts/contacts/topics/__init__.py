"""Topics of interest: staff-managed, named in fi, sv and en, chosen by people."""
