#include <iostream>
#include <vector>
using namespace std;

const long long MOD = 1000000007LL;

int main() {
    int n, k;
    cin >> n >> k;
    vector<int> steps(k);
    for (auto &s : steps) cin >> s;
    // ways[m] depends only on smaller m: fill the table bottom-up
    vector<long long> ways(n + 1, 0);
    ways[0] = 1;
    for (int m = 1; m <= n; ++m)
        for (int s : steps)
            if (s <= m) ways[m] = (ways[m] + ways[m - s]) % MOD;
    cout << ways[n] << '\n';
    return 0;
}
