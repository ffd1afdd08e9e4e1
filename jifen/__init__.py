"""县科级领导干部及后备干部日常积分管理 (daily points management for county cadres)."""

__version__ = "0.1.0"
