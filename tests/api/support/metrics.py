"""Prometheus text exposition, parsed for the /metrics tests."""

import re


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')


def parse_metrics(text):
    types, samples = {}, []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            parts = line.split()
            if len(parts) >= 4:
                types[parts[2]] = parts[3]
        elif line and not line.startswith("#"):
            m = _SAMPLE.match(line)
            if m:
                try:
                    samples.append((m.group(1), m.group(2) or "", float(m.group(3))))
                except ValueError:
                    pass
    return types, samples
