"""Small display helpers shared by views and exports."""


def mask_name(name: str) -> str:
    """张三丰 → 张**: residents' names are shown masked."""
    return name[:1] + "*" * (len(name) - 1) if name else ""
