"""The HTML layer: view helpers (load, act, show errors), navigation, home tiles, error pages."""
