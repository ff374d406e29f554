#include <climits>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int r, c;
    cin >> r >> c;
    vector<vector<int>> a(r, vector<int>(c));
    vector<long long> row(r, 0), col(c, 0);
    // every row and column sum is computed once
    for (int i = 0; i < r; ++i)
        for (int j = 0; j < c; ++j) {
            cin >> a[i][j];
            row[i] += a[i][j];
            col[j] += a[i][j];
        }
    long long best = LLONG_MIN;
    for (int i = 0; i < r; ++i)
        for (int j = 0; j < c; ++j) best = max(best, row[i] + col[j] - a[i][j]);
    cout << best << '\n';
    return 0;
}
