"""layout: the print-layout engine for 徐匯報 (Xuhui Daily)."""

__version__ = "0.1.0"
