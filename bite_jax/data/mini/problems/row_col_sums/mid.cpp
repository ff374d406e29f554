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
    for (auto &row : a)
        for (auto &x : row) cin >> x;
    // every column sum is computed once; the row sum is still recomputed for each cell
    vector<long long> col(c, 0);
    for (int j = 0; j < c; ++j)
        for (int k = 0; k < r; ++k) col[j] += a[k][j];
    long long best = LLONG_MIN;
    for (int i = 0; i < r; ++i)
        for (int j = 0; j < c; ++j) {
            long long s = col[j] - a[i][j];
            for (int k = 0; k < c; ++k) s += a[i][k];
            best = max(best, s);
        }
    cout << best << '\n';
    return 0;
}
