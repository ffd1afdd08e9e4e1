"""日常积分管理 entry point: `python process.py [command] [options]` (see README)."""

import sys

from jifen import cli

if __name__ == "__main__":
    cli.leave(cli.main(sys.argv[1:]))
