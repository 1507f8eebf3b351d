"""国家系统录入 (the keying queue) and 国家系统核对 (verification against the national export)."""
