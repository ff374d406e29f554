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
    long long best = LLONG_MIN;
    for (int i = 0; i < r; ++i)
        for (int j = 0; j < c; ++j) {
            // collect the cells of the cross: row i without (i, j), then column j
            vector<int> cross;
            for (int k = 0; k < c; ++k)
                if (k != j) cross.push_back(a[i][k]);
            for (int k = 0; k < r; ++k) cross.push_back(a[k][j]);
            long long s = 0;
            for (int x : cross) s += x;
            best = max(best, s);
        }
    cout << best << '\n';
    return 0;
}
