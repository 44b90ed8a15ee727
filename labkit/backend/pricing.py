"""What an interface endpoint would cost on AWS (shown in notebook 01 and in the AWS plan).

Interface endpoints are billed per endpoint per Availability Zone per hour while provisioned
(partial hours as full hours), plus data processed. Rates: AWS PrivateLink pricing page; the
per-Region hourly rates render dynamically there, so the ones below are the figures consistent
across several third-party copies (docs/fidelity/tutorial.md). Regions not listed say "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass

HOURLY_PER_AZ_USD: dict[str, float] = {
    "ap-northeast-1": 0.014,
    "us-east-1": 0.01,
}
DATA_PROCESSING_FIRST_PB_USD_PER_GB = 0.01
HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class EndpointCost:
    """Hourly and 730-hour monthly cost of one interface endpoint in ``azs`` zones."""

    region: str
    azs: int
    hourly_per_az: float | None

    @property
    def hourly(self) -> float | None:
        return None if self.hourly_per_az is None else round(self.hourly_per_az * self.azs, 4)

    @property
    def monthly(self) -> float | None:
        return None if self.hourly is None else round(self.hourly * HOURS_PER_MONTH, 2)

    def __str__(self) -> str:
        if self.hourly is None:
            return (
                f"{self.azs} AZ-hours per hour in {self.region}: rate unknown to labkit, "
                "see https://aws.amazon.com/privatelink/pricing/"
            )
        return (
            f"{self.azs} AZ × ${self.hourly_per_az}/h = ${self.hourly:.3f} per hour "
            f"(≈ ${self.monthly:.2f} per {HOURS_PER_MONTH} h month) in {self.region}, "
            f"plus ${DATA_PROCESSING_FIRST_PB_USD_PER_GB}/GB processed"
        )


def endpoint_cost(region: str, azs: int) -> EndpointCost:
    """The cost of one interface endpoint with a network interface in ``azs`` zones."""
    return EndpointCost(region, azs, HOURLY_PER_AZ_USD.get(region))
