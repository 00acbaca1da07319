"""The traffic simulator: a demo camera network and seeded traffic with its ground truth.

Modules:
    network: ``demo_network()``, cameras and sections on the M39 and in Tashkent.
    plates: random valid Uzbek plates with realistic frequencies.
    traffic: ``generate_scenario()``, reads per camera plus the expected findings.
    hotlist: the scenario's hotlist and ``write_hotlist_csv()``.
    images: plate crop and overview JPEGs for each read.
    runner: ``run_simulation()``, sending a scenario through signing camera clients.
"""
