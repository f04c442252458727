import sys

from kuzugres.cli import main

sys.exit(main())
