"""Fieldbook desktop: the laptop app for the registry's dynamic management (建档立卡动态管理)."""
