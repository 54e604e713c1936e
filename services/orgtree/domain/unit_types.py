"""Which units register themselves and under which parents (Henan guide): supervising
departments under the HR bureau; employers under a supervising department, a higher
employer (上级单位) or the HR bureau of their level (同级人社); training institutions under
a supervising department or an HR bureau, at one of four levels."""

PARENT_TYPES = {
    "supervising_dept": ("hr_bureau",),
    "employer": ("supervising_dept", "employer", "hr_bureau"),
    "training_institution": ("supervising_dept", "hr_bureau"),
}
INSTITUTION_LEVELS = ("国家级", "省级", "市级", "县级")
