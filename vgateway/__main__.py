from vgateway.cli import main

main()
