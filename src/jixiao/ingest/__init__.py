"""Files in: evaluation YAML/JSON, frameworks, self-evaluation tables (.xlsx/.csv)."""
