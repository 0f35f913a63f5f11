# %% [markdown]
# # A first match on generated data
#
# Generate a small synthetic Shandong province, run the whole job, and look at what came out:
# assignments, ranked recommendations with their reasons, who stayed unmatched and why, and which
# input rows were rejected. Runs top to bottom in CI (`tests/test_examples.py`).

# %%
import polars as pl

import matchcore as mc

seekers, vacancies = mc.synth.province(n_seekers=3_000, n_vacancies=600, seed=0)
print(seekers.shape, vacancies.shape)
print(vacancies.select("vacancy_id", "title", "region", "salary", "openings").head(5))

# %% [markdown]
# ## Run the whole job
# `mc.match` prepares both tables (rejecting what it cannot use, with the reason), codes the
# titles to the 2022 occupation classification, generates candidates by region, scores them and
# solves the capacitated assignment.

# %%
config = mc.MatchConfig(top_k=5)
result = mc.match(seekers, vacancies, config=config, progress=False)
print(result.summary_text())

# %% [markdown]
# ## Every input row is accounted for

# %%
s = result.summary()
assert s["seekers_in"] == seekers.height
assert s["seekers"] + s["seekers_rejected"] == seekers.height
assert result.assignments.height + result.unmatched.height == seekers.height
print(result.rejected.group_by("table", "field", "severity").len().sort("len", descending=True))

# %% [markdown]
# ## Recommendations, with one column per score component and a reason in Chinese

# %%
first = result.recommendations.filter(pl.col("seeker_id") == result.recommendations["seeker_id"][0])
print(first.select("vacancy_id", "rank", "score", "assigned", "reason"))

# %% [markdown]
# ## Why were some seekers not matched?

# %%
print(result.unmatched.group_by("reason").len().sort("len", descending=True))

# %% [markdown]
# ## The quarterly report, with advanced manufacturing counted separately

# %%
rep = mc.report.quarterly(result)
print(rep.tables["overall"])
print(rep.tables["by_city"].select("city_name", "postings", "openings", "proposals", "proposal_rate"))
