import csv

students = []
with open("scores.csv", newline="") as f:
    for row in csv.DictReader(f):
        students.append((row["name"], int(row["score"])))

with open("report.txt", "w") as report:
    if not students:
        report.write("no scores\n")
    else:
        best_name, best_score = students[0]
        total = 0
        for name, score in students:
            report.write(f"{name}: {score}\n")
            total += score
            if score > best_score:
                best_name, best_score = name, score
        average = total / len(students)
        report.write(f"average: {average:.2f}\n")
        report.write(f"best: {best_name}\n")

with open("history.txt", "a") as history:
    if students:
        history.write(f"students: {len(students)}, average: {average:.2f}\n")
    else:
        history.write("students: 0\n")

print("wrote report.txt")
