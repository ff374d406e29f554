#include <algorithm>
#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<int> seen;
    for (int i = 0; i < n; ++i) {
        int x;
        cin >> x;
        if (find(seen.begin(), seen.end(), x) == seen.end()) seen.push_back(x);
    }
    cout << seen.size() << '\n';
    return 0;
}
