from fastseed.cli import main

main()
