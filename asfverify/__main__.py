"""python -m asfverify"""

from .cli import main

main()
