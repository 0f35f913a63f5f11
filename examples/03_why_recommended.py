# %% [markdown]
# # Why was this pair recommended?
#
# Each recommended pair carries one column per score component (each in [0, 1]) and a reason a
# caseworker can read. This notebook picks a seeker, shows their list, and takes one pair apart.

# %%
import polars as pl

import matchcore as mc

seekers, vacancies = mc.synth.province(n_seekers=2_000, n_vacancies=400, seed=3)
result = mc.match(seekers, vacancies, progress=False)
rec = result.recommendations
components = mc.scoring.component_names()
print("components:", components)

# %% [markdown]
# ## One seeker's list

# %%
sid = rec.filter(pl.col("assigned"))["seeker_id"][0]
mine = rec.filter(pl.col("seeker_id") == sid).sort("rank")
print(result.seekers.filter(pl.col("seeker_id") == sid).select(
    "seeker_id", "category", "desired_title", "occupation_code", "city_code", "education"
))
print(mine.select("vacancy_id", "rank", "score", "assigned", *components))

# %% [markdown]
# ## The reason of the assigned pair, in words

# %%
top = mine.filter(pl.col("assigned")).row(0, named=True)
print(top["reason"])
vac = result.vacancies.filter(pl.col("vacancy_id") == top["vacancy_id"])
print(vac.select("vacancy_id", "title", "occupation_code", "city_code", "education_min", "salary_min", "salary_max"))

# %% [markdown]
# ## The score is the weighted sum of the components

# %%
w = result.config.normalized_weights()
recomputed = sum(w[c] * top[c] for c in components)
print(f"score {top['score']:.4f} = weighted components {recomputed:.4f}")
assert abs(top["score"] - recomputed) < 1e-3
