"""fake_server: a spacestudio backend that scripts cannot tell from the real one."""
