import sys

from judgebench.cli import main

sys.exit(main())
